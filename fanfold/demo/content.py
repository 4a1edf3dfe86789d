"""Demo content for a fresh archive: short original works written for Fanfold."""

from typing import NotRequired, TypedDict

from fanfold.works.inputs import WorkInput


class DemoUser(TypedDict):
    username: str
    email: str
    display_name: str
    bio: str


class DemoChapter(TypedDict):
    title: str
    body: str


class DemoWork(TypedDict):
    by: str
    work: WorkInput
    chapters: list[DemoChapter]
    draft_chapter: NotRequired[DemoChapter]


DEMO_PASSWORDS = {"ada_writes": "fanfold-demo-author", "reader_rae": "fanfold-demo-reader"}

USERS: list[DemoUser] = [
    {
        "username": "ada_writes",
        "email": "ada@example.org",
        "display_name": "Ada Quill",
        "bio": "Writing since the mailing-list days. Kudos and comments make my week.",
    },
    {
        "username": "reader_rae",
        "email": "rae@example.org",
        "display_name": "Rae",
        "bio": "Mostly here to read. Rec lists coming someday.",
    },
]

WORKS: list[DemoWork] = [
    {
        "by": "ada_writes",
        "work": WorkInput(
            title="The Patrol That Wasn't",
            rating="teen",
            warnings=["No Archive Warnings Apply"],
            categories=["Gen"],
            fandoms=["Buffy the Vampire Slayer"],
            relationships=["Buffy Summers & Willow Rosenberg"],
            characters=["Buffy Summers", "Willow Rosenberg", "Xander Harris"],
            freeforms=["Friendship", "Patrol", "Humor", "Season 2"],
            summary=(
                "A quiet night in Sunnydale is the most suspicious thing that has ever happened."
            ),
            notes="Written for a prompt: *nothing happens, and that's the problem*.",
            text_format="markdown",
            complete=False,
            expected_chapters=None,
        ),
        "chapters": [
            {
                "title": "Nothing Stirs",
                "body": (
                    "The cemetery was empty, which was the first problem.\n\n"
                    "Buffy turned a slow circle between the headstones, stake loose in her hand. "
                    "\"Okay. Either every vampire in town took the night off, or they're planning "
                    'a surprise party."\n\n'
                    '"I vote party," Xander said from the top of a crypt. "With cake. Cake is '
                    'the opposite of being eaten."\n\n'
                    "Willow checked her notebook by flashlight. \"The moon's not full, no "
                    "prophecies this week, and Giles says the Hellmouth is 'unusually "
                    "placid.' He underlined placid twice.\"\n\n* * *\n\n"
                    "They waited an hour. Then two. A cat walked by and Buffy nearly staked it "
                    "on principle."
                ),
            },
            {
                "title": "The Quiet Gets Louder",
                "body": (
                    "By the third night, the quiet had a sound.\n\n"
                    "It hummed under the streetlights, under the Bronze's music, under Willow's "
                    'careful typing. "It\'s a frequency," she said. "Something is listening."\n\n'
                    'Buffy put down her milkshake. "Listening for what?"\n\n'
                    '"For us to stop looking."'
                ),
            },
        ],
        "draft_chapter": {
            "title": "What the Hum Wanted",
            "body": "Draft: Giles finds the book. Willow does the math. Xander brings donuts.",
        },
    },
    {
        "by": "ada_writes",
        "work": WorkInput(
            title="Tea, Earl Grey, Lukewarm",
            rating="general",
            warnings=["No Archive Warnings Apply"],
            categories=["Gen"],
            fandoms=["Star Trek: The Next Generation"],
            relationships=[],
            characters=["Jean-Luc Picard", "Geordi La Forge"],
            freeforms=["Replicator Malfunction", "Crack", "One Shot"],
            summary="The replicator has opinions. The captain has a headache.",
            notes="",
            text_format="plain",
            complete=True,
            expected_chapters=1,
        ),
        "chapters": [
            {
                "title": "",
                "body": (
                    '"Tea. Earl Grey. Hot."\n\n'
                    "The replicator considered this. What it produced was tea, technically, and "
                    "Earl Grey, arguably, and hot in the sense that it was warmer than space.\n\n"
                    'Picard looked at the cup for a long moment. "Mr. La Forge."\n\n'
                    '"Already on it, Captain," said Geordi over the comm, in the voice of a man '
                    "who had been on it for six hours. \"It's not a fault. It's a preference. "
                    'Somebody taught it that nobody finishes their tea anyway."\n\n'
                    "Picard, who had not finished a cup of tea since Farpoint, said nothing at "
                    "all, and drank it lukewarm.\n\nThe End."
                ),
            }
        ],
    },
    {
        "by": "ada_writes",
        "work": WorkInput(
            title="The Adventure of the Borrowed Umbrella",
            rating="mature",
            warnings=["Graphic Depictions Of Violence"],
            categories=["M/M"],
            fandoms=["Sherlock Holmes - Arthur Conan Doyle"],
            relationships=["Sherlock Holmes/John Watson"],
            characters=["Sherlock Holmes", "John Watson", "Mrs. Hudson"],
            freeforms=["Victorian", "Case Fic", "Rain"],
            summary="An umbrella left in the hall at Baker Street belongs to a dead man.",
            notes="Rated Mature for one bloody scene in a London alley.",
            text_format="html",
            complete=True,
            expected_chapters=2,
        ),
        "chapters": [
            {
                "title": "The Umbrella",
                "body": (
                    "<p>It had rained for three days when the umbrella appeared in our hall, "
                    "black, silk, with an ivory handle carved into a heron.</p>"
                    "<p>“It is not mine,” said Holmes, “and it is not yours, Watson, because you "
                    "would never own anything so impractical. Its owner died on Tuesday.”</p>"
                    "<p>“How can you possibly know that?”</p>"
                    "<p>He turned the handle to the lamp. There was a dark stain in the "
                    "heron's eye.</p>"
                ),
            },
            {
                "title": "The Heron",
                "body": (
                    "<p>We found the shop in Cheapside by following the heron: on a sign, on a "
                    "receipt, finally on a ring on the hand of the man who had killed for it.</p>"
                    "<p>It ended in an alley with the rain coming down and Holmes's cane against "
                    "a knife, and afterwards I bound his arm by the light of a cab lamp while he "
                    "explained, a little faint, that he had known all along.</p>"
                    "<p>“You did not,” I said.</p><p>“No,” he agreed, and leaned on me.</p>"
                    "<hr><p>The umbrella still stands in our hall.</p>"
                ),
            },
        ],
    },
    {
        "by": "reader_rae",
        "work": WorkInput(
            title="Small Hours",
            rating="general",
            warnings=["No Archive Warnings Apply"],
            categories=["F/F"],
            fandoms=["Buffy the Vampire Slayer"],
            relationships=["Tara Maclay/Willow Rosenberg"],
            characters=["Willow Rosenberg", "Tara Maclay"],
            freeforms=["Fluff", "Drabble"],
            summary="A hundred words at three in the morning.",
            notes="My first posted fic! Be kind.",
            text_format="plain",
            complete=True,
            expected_chapters=1,
        ),
        "chapters": [
            {
                "title": "",
                "body": (
                    "Willow woke because the room was too quiet, and found Tara at the window, "
                    "counting stars under her breath.\n\n"
                    '"You lose track at forty," Willow said.\n\n'
                    '"I start over." Tara smiled without turning. "That\'s the good part."\n\n'
                    "So Willow got up, and stood beside her, and they started over together."
                ),
            }
        ],
    },
    {
        "by": "ada_writes",
        "work": WorkInput(
            title="Notes Toward a Lighthouse",
            rating="general",
            warnings=["No Archive Warnings Apply"],
            categories=["Gen"],
            fandoms=["Original Work"],
            relationships=[],
            characters=["Original Characters"],
            freeforms=["Work In Progress", "Sea", "Restricted Demo"],
            summary="Only logged-in readers see this one: a lighthouse keeper's log.",
            notes="",
            text_format="plain",
            restricted=True,
            complete=False,
            expected_chapters=3,
        ),
        "chapters": [
            {
                "title": "Log, Day One",
                "body": (
                    "Wind from the west. Lamp trimmed. One gull, opinionated.\n\n"
                    "I have decided to keep this log honestly, which means admitting that I "
                    "talked to the gull."
                ),
            }
        ],
    },
]

# Reviews on the demo works: (work title, commenter, text, replies as (who, text)).
COMMENTS = [
    (
        "The Patrol That Wasn't",
        "reader_rae",
        "The bit with the *stake in the lunchbox* made me laugh out loud. Please write more!",
        [("ada_writes", "Thank you! There's more coming, I promise.")],
    ),
    ("Small Hours", "ada_writes", "Starting over together. Oh, my heart.", []),
]
# Kudos: (work title, who).
KUDOS = [("The Patrol That Wasn't", "reader_rae"), ("Small Hours", "ada_writes")]
