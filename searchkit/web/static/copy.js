// A nicety only: a "copy" button beside each citation. Without JavaScript the citations are plain text
// that can be selected and copied by hand.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".citation pre").forEach(function (pre) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "copy";
    button.setAttribute("aria-label", "copy this citation");
    button.addEventListener("click", function () {
      var done = function () { button.textContent = "copied"; setTimeout(function () { button.textContent = "copy"; }, 1500); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(pre.textContent).then(done, function () { select(pre); });
      } else {
        select(pre);
        try { document.execCommand("copy"); done(); } catch (e) { /* selected: Ctrl-C copies it */ }
      }
    });
    pre.parentNode.insertBefore(button, pre);
  });
});

function select(node) {
  var range = document.createRange();
  range.selectNodeContents(node);
  var selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}
