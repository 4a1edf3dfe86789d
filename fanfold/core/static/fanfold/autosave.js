// Autosave for the work and chapter editors: a copy in this browser on every keystroke,
// and one on the server every few seconds. The page works without it.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form || !window.fetch || !window.FormData) return;
  var key = form.dataset.autosaveKey;
  var storeKey = "fanfold-autosave:" + form.dataset.user + ":" + key;
  var status = document.getElementById("autosave-status");
  var serverSaved = parseInt(form.dataset.serverSaved || "0", 10);
  var INTERVAL = 4000;
  var dirty = false;
  var sending = false;

  function say(text) { if (status) status.textContent = text; }
  function hhmm(d) { return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2); }

  function snapshot() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      (data[name] = data[name] || []).push(String(value));
    });
    return data;
  }

  function restore(data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
      var values = data[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) !== -1; });
      } else if (values.length) {
        el.value = values[values.length - 1];
      }
    });
  }

  function readLocal() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { return null; }
  }
  function writeLocal(extra) {
    try {
      var rec = { at: Date.now(), data: snapshot() };
      for (var k in extra || {}) rec[k] = extra[k];
      localStorage.setItem(storeKey, JSON.stringify(rec));
    } catch (e) { /* storage full or disabled: the server copy still works */ }
  }

  // A copy kept in this browser that is newer than what the server has wins:
  // it holds what was typed while offline or in the last seconds before the tab closed.
  var local = readLocal();
  if (local && local.data && local.at > serverSaved) {
    if (local.submitted && !serverSaved) {
      localStorage.removeItem(storeKey);  // that submit went through
    } else {
      restore(local.data);
      dirty = true;
      say("Restored unsaved changes from this browser (" + hhmm(new Date(local.at)) + ").");
    }
  } else if (serverSaved) {
    say("Restored your autosaved changes from " + hhmm(new Date(serverSaved)) + ".");
  }

  function markDirty() { dirty = true; writeLocal(); }
  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  form.addEventListener("submit", function () { writeLocal({ submitted: true }); });

  function save() {
    if (!dirty || sending) return;
    sending = true;
    dirty = false;
    var body = new FormData(form);
    body.append("autosave_key", key);
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": form.elements.csrfmiddlewaretoken.value },
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        return { ok: r.ok, status: r.status, json: j };
      });
    }).then(function (res) {
      if (res.ok) {
        say("Saved at " + res.json.saved_at);
      } else {
        dirty = true;
        say(res.status === 401
          ? "Not saved to the server: your session has ended. Your text is kept in this browser; log in again in another tab, then reload this page."
          : res.status === 403
            ? "Not saved to the server: your session changed. Your text is kept in this browser; reload this page to go on saving."
            : "Not saved to the server (" + (res.json.error || res.status) + "). Your text is kept in this browser.");
      }
    }).catch(function () {
      dirty = true;
      say("Offline: your text is kept in this browser and will be saved when the connection is back.");
    }).then(function () { sending = false; });
  }
  setInterval(save, INTERVAL);
  window.addEventListener("online", save);
  document.addEventListener("visibilitychange", function () { if (document.hidden) save(); });
})();
