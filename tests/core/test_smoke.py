def test_home_lists_published_work(client, published_work, draft_work):
    response = client.get("/")
    assert response.status_code == 200
    assert published_work.title in response.content.decode()
    assert draft_work.title not in response.content.decode()
