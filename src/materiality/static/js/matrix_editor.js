/* Label editor of the materiality matrix: drag the labels on the preview to fill the x/y inputs.
 *
 * The page works without this script (type the numbers and save). The preview image
 * carries the plot area (figure fractions) and the axis limits as data attributes, so a
 * pointer position on the image converts to data coordinates, the label's centre.
 * Each label gets a frame over its text (its size comes with the row, in figure
 * fractions) and a small square grip beside it, clear of the text: either one drags. A moved
 * frame shows the label's text where it will be drawn. On a narrow screen the frames
 * are hidden (report.css): the page asks for a larger screen and keeps the inputs.
 */
(function () {
  "use strict";

  var stage = document.getElementById("matrix-stage");
  var image = document.getElementById("matrix-preview");
  var form = document.getElementById("label-form");
  if (!stage || !image || !form || !stage.dataset.box) {
    return;
  }
  var box = stage.dataset.box.split(",").map(Number);
  var xlim = stage.dataset.xlim.split(",").map(Number);
  var ylim = stage.dataset.ylim.split(",").map(Number);
  var handles = [];

  function toPixels(x, y) {
    var fx = box[0] + (x - xlim[0]) / (xlim[1] - xlim[0]) * (box[2] - box[0]);
    var fy = box[1] + (y - ylim[0]) / (ylim[1] - ylim[0]) * (box[3] - box[1]);
    return [fx * image.clientWidth, (1 - fy) * image.clientHeight];
  }

  function toData(px, py) {
    var fx = px / image.clientWidth;
    var fy = 1 - py / image.clientHeight;
    var x = xlim[0] + (fx - box[0]) / (box[2] - box[0]) * (xlim[1] - xlim[0]);
    var y = ylim[0] + (fy - box[1]) / (box[3] - box[1]) * (ylim[1] - ylim[0]);
    return [x, y];
  }

  function place(handle) {
    var x = parseFloat(handle.inputX.value);
    var y = parseFloat(handle.inputY.value);
    if (isNaN(x) || isNaN(y)) {
      handle.element.hidden = true;
      return;
    }
    var p = toPixels(x, y);
    var width = Math.max(handle.width * image.clientWidth, 24);
    var height = Math.max(handle.height * image.clientHeight, 24);
    handle.element.hidden = false;
    handle.element.style.width = width + "px";
    handle.element.style.height = height + "px";
    handle.element.style.left = (p[0] - width / 2) + "px";
    handle.element.style.top = (p[1] - height / 2) + "px";
  }

  function placeAll() {
    handles.forEach(place);
  }

  function select(handle) {
    handles.forEach(function (h) {
      h.element.classList.toggle("selected", h === handle);
      h.row.classList.toggle("selected", h === handle);
    });
  }

  function markMoved(handle) {
    handle.row.classList.add("moved");
    handle.element.classList.add("moved");
  }

  function startDrag(handle, event) {
    event.preventDefault();
    select(handle);
    handle.element.setPointerCapture(event.pointerId);
    var rect = image.getBoundingClientRect();
    // Where in the label it was taken: the label keeps that point under the pointer.
    var centre = toPixels(parseFloat(handle.inputX.value), parseFloat(handle.inputY.value));
    var grabX = event.clientX - rect.left - centre[0];
    var grabY = event.clientY - rect.top - centre[1];

    function move(e) {
      var px = Math.min(Math.max(e.clientX - rect.left - grabX, 0), image.clientWidth);
      var py = Math.min(Math.max(e.clientY - rect.top - grabY, 0), image.clientHeight);
      var xy = toData(px, py);
      handle.inputX.value = xy[0].toFixed(3);
      handle.inputY.value = xy[1].toFixed(3);
      markMoved(handle);
      place(handle);
    }

    function stop() {
      handle.element.removeEventListener("pointermove", move);
      handle.element.removeEventListener("pointerup", stop);
      handle.element.removeEventListener("pointercancel", stop);
    }

    handle.element.addEventListener("pointermove", move);
    handle.element.addEventListener("pointerup", stop);
    handle.element.addEventListener("pointercancel", stop);
  }

  function nudge(handle, event) {
    var steps = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1]};
    var step = steps[event.key];
    if (!step) {
      return;
    }
    event.preventDefault();
    var size = event.shiftKey ? 0.1 : 0.02;
    handle.inputX.value = (parseFloat(handle.inputX.value) + step[0] * size).toFixed(3);
    handle.inputY.value = (parseFloat(handle.inputY.value) + step[1] * size).toFixed(3);
    markMoved(handle);
    place(handle);
  }

  form.querySelectorAll("tr[data-topic]").forEach(function (row) {
    var topic = row.dataset.topic;
    var label = row.querySelector("th").textContent;
    var element = document.createElement("button");
    element.type = "button";
    element.className = "label-handle";
    element.title = label;
    element.setAttribute("aria-label", label);
    var text = document.createElement("span");  // shown once moved
    text.className = "label-handle-text";
    text.textContent = label;
    text.setAttribute("aria-hidden", "true");
    var grip = document.createElement("span");  // beside the label, clear of its text
    grip.className = "label-handle-grip";
    grip.setAttribute("aria-hidden", "true");
    element.appendChild(text);
    element.appendChild(grip);
    stage.appendChild(element);
    var handle = {
      element: element,
      row: row,
      width: parseFloat(row.dataset.w) || 0,
      height: parseFloat(row.dataset.h) || 0,
      inputX: form.querySelector('input[name="x_' + topic + '"]'),
      inputY: form.querySelector('input[name="y_' + topic + '"]')
    };
    handles.push(handle);
    element.addEventListener("pointerdown", function (e) { startDrag(handle, e); });
    element.addEventListener("keydown", function (e) { nudge(handle, e); });
    element.addEventListener("focus", function () { select(handle); });
    [handle.inputX, handle.inputY].forEach(function (input) {
      input.addEventListener("input", function () { markMoved(handle); place(handle); });
      input.addEventListener("focus", function () { select(handle); });
    });
  });

  if (image.complete) {
    placeAll();
  }
  image.addEventListener("load", placeAll);
  window.addEventListener("resize", placeAll);
})();
