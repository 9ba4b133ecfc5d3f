/* The home visit form on the phone: keeps a draft of what is typed in the phone's
   localStorage (keyed by the visit and the version it was read at), sends it when the
   network is back, and shows the facilitator both versions when the visit changed
   meanwhile (the server's 409) so that nothing is overwritten silently.
   Photos chosen stay in the form while the page is open; after the page is reloaded they
   must be chosen again (the text fields are restored). */
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) { return; }
  var prefix = "slrt-visit-" + form.dataset.visit + "-v";
  var versionInput = form.querySelector('input[name="version"]');
  var statusBox = document.getElementById("visit-draft-status");
  var conflictBox = document.getElementById("visit-conflict");
  var pending = false;

  function key() { return prefix + versionInput.value; }

  function show(message, kind) {
    statusBox.textContent = message;
    statusBox.className = "alert alert-" + (kind || "info");
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "submit" && el.type !== "button" &&
        el.name !== "csrfmiddlewaretoken" && el.name !== "version";
    });
  }

  function collect() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox") {
        data[el.name] = data[el.name] || [];
        if (el.checked) { data[el.name].push(el.value); }
      } else if (el.type === "radio") {
        if (el.checked) { data[el.name] = el.value; }
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function apply(data) {
    fields().forEach(function (el) {
      if (!(el.name in data)) { return; }
      var value = data[el.name];
      if (el.type === "checkbox") { el.checked = value.indexOf(el.value) !== -1; }
      else if (el.type === "radio") { el.checked = el.value === value; }
      else { el.value = value; }
    });
  }

  function drafts() {
    var keys = [];
    for (var i = 0; i < window.localStorage.length; i++) {
      var name = window.localStorage.key(i);
      if (name && name.indexOf(prefix) === 0) { keys.push(name); }
    }
    return keys;
  }

  function save() {
    try {
      window.localStorage.setItem(key(), JSON.stringify({
        version: versionInput.value, fields: collect(), pending: pending, saved: Date.now()
      }));
    } catch (error) { /* storage full or refused: the form still works online */ }
  }

  function clearDrafts() {
    drafts().forEach(function (name) { window.localStorage.removeItem(name); });
  }

  function restore() {
    var keys = drafts();
    if (!keys.length) { return; }
    var chosen = keys.indexOf(key()) !== -1 ? key() : keys[keys.length - 1];
    var draft;
    try { draft = JSON.parse(window.localStorage.getItem(chosen)); } catch (error) { return; }
    if (!draft || !draft.fields) { return; }
    apply(draft.fields);
    // A draft of an older version keeps it: sending it meets the version check, and the
    // facilitator sees both versions before anything is overwritten.
    versionInput.value = draft.version;
    pending = Boolean(draft.pending);
    show(form.dataset.restoredMessage, "info");
    if (pending && navigator.onLine) { send(); }
  }

  function ownLabel(el) {
    var label = el.id && form.querySelector('label[for="' + el.id + '"]');
    return label ? label.textContent.trim() : el.name;
  }

  function labelOf(el) {  // a radio button's question is its fieldset's legend
    var legend = el.type === "radio" && el.closest("fieldset");
    legend = legend && legend.querySelector("legend");
    return legend ? legend.textContent.trim() : ownLabel(el);
  }

  function blank(value) { return value === null || value === undefined || value === ""; }

  function shown(el, value) {
    if (blank(value)) { return "—"; }
    if (el && el.type === "radio") {
      var option = form.querySelector('input[name="' + el.name + '"][value="' + value + '"]');
      return option ? ownLabel(option) : String(value);
    }
    if (el && el.tagName === "SELECT") {
      var text = String(value);
      for (var i = 0; i < el.options.length; i++) {
        if (el.options[i].value === text || (text === "true" && el.options[i].value === "true")) {
          return el.options[i].textContent;
        }
      }
    }
    return String(value);
  }

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".js-error"), function (el) { el.remove(); });
  }

  function showErrors(errors) {
    clearErrors();
    var first = null;
    Object.keys(errors || {}).forEach(function (name) {
      var target = form.querySelector('[name="' + name + '"]');
      var note = document.createElement("div");
      note.className = "invalid-feedback d-block js-error";
      note.textContent = errors[name].join(" ");
      if (!target) { form.insertBefore(note, form.firstChild); first = first || note; return; }
      var holder = target.closest("div");
      if (target.type === "radio" || target.type === "checkbox") { holder = holder.parentElement; }
      holder.appendChild(note);
      first = first || note;
    });
    show(form.dataset.errorMessage, "danger");
    if (first) { first.scrollIntoView({block: "center"}); }
  }

  function row(body, label, yours, server) {
    var tr = document.createElement("tr");
    [label, yours, server].forEach(function (text) {
      var td = document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    });
    body.appendChild(tr);
  }

  function showConflict(answer) {
    var current = answer.current || {};
    var body = conflictBox.querySelector("[data-conflict-rows]");
    body.textContent = "";
    conflictBox.querySelector("[data-conflict-detail]").textContent = answer.detail || "";
    var labels = form.dataset;
    row(body, labels.labelStatus, labels.labelAssigned, current.status_display || current.status);
    row(body, labels.labelDue, labels.due, current.due);
    row(body, labels.labelAssignee, labels.assignee, current.assignee_name || "—");
    var data = collect();
    fields().forEach(function (el) {
      if (el.type === "radio" && !el.checked) { return; }
      if (el.type === "checkbox") { return; }
      var server = el.name in current ? current[el.name] : (current.observed || {})[el.name];
      var yours = data[el.name];
      if (server === undefined || (blank(server) && blank(yours))) { return; }
      if (String(server) === String(yours)) { return; }
      row(body, labelOf(el), shown(el, yours), shown(el, server));
    });
    var keep = conflictBox.querySelector("[data-conflict-keep]");
    keep.classList.toggle("d-none", current.status !== "assigned");
    keep.type = "button";
    keep.onclick = function () {
      window.localStorage.removeItem(key());
      versionInput.value = current.version;  // the facilitator chose: theirs over the server's
      conflictBox.classList.add("d-none");
      send();
    };
    conflictBox.classList.remove("d-none");
    conflictBox.scrollIntoView({block: "start"});
  }

  function offline() {
    pending = true;
    save();
    show(form.dataset.offlineMessage, "warning");
  }

  function send() {
    if (!navigator.onLine) { offline(); return; }
    show(form.dataset.sendingMessage, "info");
    window.fetch(form.action || window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: {"Accept": "application/json"},
      credentials: "same-origin"
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        // Signed out, or a page answered instead: keep the draft, let the page say why.
        pending = false;
        save();
        window.location.assign(response.url);
        return;
      }
      return response.json().then(function (answer) {
        if (response.status === 200) {
          clearDrafts();
          window.location.assign(answer.redirect);
          return;
        }
        pending = false;
        save();
        if (response.status === 409) { showConflict(answer); }
        else { showErrors(answer.errors || {__all__: [answer.detail || ""]}); }
      });
    }).catch(offline);
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); send(); });
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  window.addEventListener("online", function () { if (pending) { send(); } });

  var discard = conflictBox.querySelector("[data-conflict-discard]");
  if (discard) { discard.addEventListener("click", clearDrafts); }

  var consent = form.querySelector('input[name="gps_consent"]');
  var locate = document.getElementById("visit-locate");
  function locateAllowed() { locate.disabled = !consent.checked || !navigator.geolocation; }
  consent.addEventListener("change", locateAllowed);
  locateAllowed();
  locate.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector('input[name="latitude"]').value = position.coords.latitude.toFixed(6);
      form.querySelector('input[name="longitude"]').value = position.coords.longitude.toFixed(6);
      save();
    }, function () {
      show(form.dataset.locationError, "warning");
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  });

  restore();
  locateAllowed();  // a restored draft may hold the consent already
})();
