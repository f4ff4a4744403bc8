// The page of the battle in a browser: draws each frame the server sends
// as a Server-Sent Event, and posts the controls. No build step.
"use strict";

const COLOURS = ["#4fc3f7", "#ef5350", "#66bb6a", "#ffca28", "#ab47bc", "#ff7043", "#26a69a", "#d4e157"];
const COLUMNS = 100;
const canvas = document.getElementById("core");
const pen = canvas.getContext("2d");
const text = (id, value) => { document.getElementById(id).textContent = value; };

// Draws the core: a square per cell in its last writer's colour, dim, and
// the cells about to be executed bright.
function drawCore(frame) {
  const size = frame.cells.length;
  const side = Math.max(1, Math.floor(canvas.width / COLUMNS));
  canvas.height = Math.ceil(size / COLUMNS) * side;
  pen.fillStyle = "#000";
  pen.fillRect(0, 0, canvas.width, canvas.height);
  for (let cell = 0; cell < size; cell++) {
    const writer = frame.cells.charCodeAt(cell) - 48;
    if (writer >= 0 && writer <= 9) {
      pen.fillStyle = COLOURS[writer % COLOURS.length] + "66";
      pen.fillRect((cell % COLUMNS) * side, Math.floor(cell / COLUMNS) * side, side - 1, side - 1);
    }
  }
  frame.warriors.forEach((warrior, w) => {
    pen.fillStyle = COLOURS[w % COLOURS.length];
    for (const cell of warrior.executing) {
      pen.fillRect((cell % COLUMNS) * side, Math.floor(cell / COLUMNS) * side, side - 1, side - 1);
    }
  });
}

function drawTable(frame) {
  const rows = frame.warriors.map((warrior, w) => {
    const row = document.createElement("tr");
    const dead = frame.survivors && !frame.survivors[w];
    row.className = dead ? "dead" : "";
    for (const value of ["", warrior.name, warrior.processes, warrior.score]) {
      const cell = document.createElement("td");
      cell.textContent = value;
      row.appendChild(cell);
    }
    row.firstChild.className = "swatch";
    row.firstChild.style.background = COLOURS[w % COLOURS.length];
    return row;
  });
  document.querySelector("#warriors tbody").replaceChildren(...rows);
}

let frames = 0;
function show(event) {
  const { dropped, frame } = JSON.parse(event.data);
  frames += 1;
  drawCore(frame);
  drawTable(frame);
  text("round", `${frame.round} of ${frame.rounds}`);
  text("cycle", frame.cycle);
  text("cycles", frame.cycles);
  text("speed", frame.speed);
  text("dropped", dropped);
  text("pause", frame.paused ? "Run" : "Pause");
  const over = frame.survivors ? (frame.last_round ? ", the battle is over" : ", round over") : "";
  text("status", `live: ${frames} frames${over}`);
  document.body.dataset.frames = frames;
  document.body.dataset.state = "live";
}

const events = new EventSource("/events");
events.onmessage = show;
events.addEventListener("end", () => {
  // The server ended the stream (its test mode does, after N frames).
  events.close();
  document.body.dataset.state = "ended";
  text("status", `ended after ${frames} frames`);
});
events.onerror = () => { text("status", "reconnecting…"); };

for (const button of document.querySelectorAll("button[data-post]")) {
  button.addEventListener("click", () => fetch(button.dataset.post, { method: "POST" }));
}

fetch("/warriors").then((r) => r.json()).then((warriors) => {
  for (const [select, chosen] of [["first", 0], ["second", 1]]) {
    const list = document.getElementById(select);
    warriors.forEach(({ id, name }, w) => list.add(new Option(name || id, id, false, w === chosen)));
  }
});

document.getElementById("new-battle").addEventListener("submit", (event) => {
  event.preventDefault();
  const warriors = ["first", "second"].map((id) => document.getElementById(id).value);
  fetch("/battle", { method: "POST", body: JSON.stringify({ warriors }) });
});
