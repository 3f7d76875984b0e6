/* The focal point of a photo, set by a click on the picture: the point every crop keeps
   (articles/renditions.py cuts the 16:9, 4:3 and 1:1 crops around it). A marker shows it;
   the arrow keys move it (Shift for a finer step), so a keyboard does all a mouse does.

   Two places use it: the photo's own page (the marker sets the form's focal_x and focal_y,
   saved with the form; typing in them moves the marker) and the article form's chosen
   photo (static/js/photo_picker.js saves each move at once). Positions are drawn through
   the CSSOM, which the admin's CSP allows, never through style attributes. */

const STEP = 0.05;
const FINE_STEP = 0.01;

const clamp = (value) => Math.min(1, Math.max(0, value));
const round = (value) => Math.round(value * 10000) / 10000;
const percent = (value) => `${Math.round(value * 100)}%`;

export function describeFocalPoint(x, y) {
  return `${percent(x)} from the left, ${percent(y)} from the top`;
}

/* Give `box` (holding the picture; data-focal-x and data-focal-y) a marker. With
   `onChange`, clicks and arrow keys move it and report each new point. */
export function attachFocalPoint(box, { onChange = null, label = "Focal point" } = {}) {
  let x = clamp(Number(box.dataset.focalX) || 0);
  let y = clamp(Number(box.dataset.focalY) || 0);
  let marker = box.querySelector(".nr-focal__marker");
  if (!marker) {
    marker = document.createElement("span");
    marker.className = "nr-focal__marker";
    marker.setAttribute("aria-hidden", "true");
    box.append(marker);
  }
  const draw = () => {
    marker.style.left = `${x * 100}%`;
    marker.style.top = `${y * 100}%`;
    box.dataset.focalX = String(x);
    box.dataset.focalY = String(y);
    if (onChange) {
      box.setAttribute(
        "aria-label",
        `${label}: ${describeFocalPoint(x, y)}. Click the picture or use the arrow keys to move it.`,
      );
    }
  };
  const move = (newX, newY) => {
    x = round(clamp(newX));
    y = round(clamp(newY));
    draw();
    onChange?.(x, y);
  };
  draw();
  if (!onChange) {
    return { set: (newX, newY) => ((x = clamp(newX)), (y = clamp(newY)), draw()) };
  }
  box.classList.add("nr-focal--editable");
  box.tabIndex = 0;
  box.setAttribute("role", "application");
  box.setAttribute("aria-roledescription", "focal point picker");
  box.addEventListener("click", (event) => {
    const picture = box.querySelector("img") || box;
    const rect = picture.getBoundingClientRect();
    if (!rect.width || !rect.height) {
      return;
    }
    move((event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
  });
  box.addEventListener("keydown", (event) => {
    const step = event.shiftKey ? FINE_STEP : STEP;
    const moves = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const delta = moves[event.key];
    if (delta) {
      event.preventDefault();
      move(x + delta[0], y + delta[1]);
    } else if (event.key === "Home") {
      event.preventDefault();
      move(0.5, 0.5);
    }
  });
  return {
    set: (newX, newY) => {
      x = clamp(newX);
      y = clamp(newY);
      draw();
    },
  };
}

/* The photo's own page: the picture sets the form's two fields, and typing in them moves
   the marker. Someone who may not change the photo sees the marker only. */
function photoPage(box) {
  const fieldX = document.getElementById("id_focal_x");
  const fieldY = document.getElementById("id_focal_y");
  const editable = fieldX instanceof HTMLInputElement && fieldY instanceof HTMLInputElement;
  const status = document.createElement("p");
  status.className = "help nr-focal__status";
  status.setAttribute("role", "status");
  box.after(status);
  const focal = attachFocalPoint(box, {
    onChange: editable
      ? (x, y) => {
          fieldX.value = String(x);
          fieldY.value = String(y);
          status.textContent = `Focal point ${describeFocalPoint(x, y)}: save to remake the crops.`;
        }
      : null,
  });
  if (editable) {
    const typed = () => focal.set(Number(fieldX.value) || 0, Number(fieldY.value) || 0);
    fieldX.addEventListener("input", typed);
    fieldY.addEventListener("input", typed);
  }
}

for (const box of document.querySelectorAll("[data-focal-form]")) {
  photoPage(box);
}
