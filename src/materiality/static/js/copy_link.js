/* Copy-link buttons: a button[data-copy] copies the text of the element it names.
   Without this script the buttons stay hidden and the address is plain, selectable text. */
(function () {
  "use strict";

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copied(button, ok) {
    var status = button.parentNode.querySelector(".copy-status");
    if (status) {
      status.textContent = ok ? button.getAttribute("data-done") : button.getAttribute("data-failed");
    }
  }

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    var text = source.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        copied(button, true);
      }, function () {
        selectText(source);
        copied(button, false);
      });
      return;
    }
    // An http:// page has no clipboard API: select the text and use the old command.
    selectText(source);
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    copied(button, ok);
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(button);
    });
  });
}());
