/* The confirm step as a dialog: a link marked data-confirm opens a native <dialog>.
 *
 * Without this script the link leads to the confirm page (confirmation.py). With it, the
 * same page is fetched and its box (the question, the figures, the form) shown in a
 * dialog, so the words and the form come from one place. Cancel closes the dialog and
 * changes nothing; the form posts as it does on the page. If anything fails, the link
 * is followed as without script.
 */
(function () {
  "use strict";

  if (typeof HTMLDialogElement !== "function" || !window.fetch || !window.DOMParser) {
    return;
  }
  var dialog = null;
  var opener = null;

  function theDialog() {
    if (dialog) {
      return dialog;
    }
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-question");
    dialog.setAttribute("aria-describedby", "confirm-consequence");
    dialog.addEventListener("click", function (event) {
      var cancel = event.target.closest("[data-confirm-cancel]");
      if (cancel) {
        event.preventDefault();
        dialog.close();
      }
    });
    dialog.addEventListener("close", function () {
      dialog.replaceChildren();
      if (opener) {
        opener.focus();
      }
    });
    document.body.appendChild(dialog);
    return dialog;
  }

  function show(link, box) {
    var target = theDialog();
    var question = box.querySelector("h1");
    if (question) {  /* the page keeps its own h1 */
      var heading = document.createElement("h2");
      heading.id = question.id;
      heading.className = question.className;
      heading.textContent = question.textContent;
      question.replaceWith(heading);
    }
    target.replaceChildren.apply(target, Array.prototype.slice.call(box.childNodes));
    opener = link;
    target.showModal();
    var first = target.querySelector("textarea") || target.querySelector("[data-confirm-cancel]");
    if (first) {
      first.focus();
    }
  }

  function open(link) {
    link.setAttribute("aria-busy", "true");
    fetch(link.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw new Error("no confirm page");
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var box = page.querySelector("[data-confirm-box]");
        if (!box) {
          throw new Error("no confirm box");
        }
        show(link, document.importNode(box, true));
      })
      .catch(function () {
        window.location.href = link.href;
      })
      .finally(function () {
        link.removeAttribute("aria-busy");
      });
  }

  document.querySelectorAll("a[data-confirm]").forEach(function (link) {
    link.setAttribute("aria-haspopup", "dialog");
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-confirm]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) {
      return;
    }
    event.preventDefault();
    open(link);
  });
})();
