"use strict";
// The calling display (叫号屏): each window's current ticket in large type, the last calls, who waits; a new call
// (or a recall) rings a chime and is spoken — "请 A007 号到 3号窗口 办理" — when the browser has a Chinese voice.
(function () {
  let lastCall = null;           // the newest call already announced (null: not yet loaded)
  let audio = null;
  const soundButton = document.getElementById("sound");

  function chime() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") { soundButton.hidden = false; return; }
      const now = audio.currentTime;
      [880, 660].forEach((f, i) => {
        const o = audio.createOscillator(), g = audio.createGain();
        o.frequency.value = f;
        g.gain.setValueAtTime(0.0001, now + i * 0.35);
        g.gain.exponentialRampToValueAtTime(0.4, now + i * 0.35 + 0.02);
        g.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.35 + 0.3);
        o.connect(g).connect(audio.destination);
        o.start(now + i * 0.35);
        o.stop(now + i * 0.35 + 0.32);
      });
    } catch (e) { /* no sound on this screen */ }
  }

  function sentence(call) { return `请 ${call.number} 号到 ${call.window} 办理`; }

  function speak(call) {
    document.body.dataset.lastAnnouncement = sentence(call);
    if (!("speechSynthesis" in window)) return;
    const voice = speechSynthesis.getVoices().find((v) => (v.lang || "").toLowerCase().startsWith("zh"));
    if (!voice) return;
    const u = new SpeechSynthesisUtterance(sentence(call));
    u.voice = voice;
    u.lang = voice.lang;
    speechSynthesis.speak(u);
  }

  function cell(value, cls) {
    const td = document.createElement("td");
    td.textContent = value;
    if (cls) td.className = cls;
    return td;
  }

  function render(board) {
    document.getElementById("centre").textContent = `${board.name} · 叫号`;
    const fresh = board.calls.length ? board.calls[0].number : null;
    const rows = board.current.map((c) => {
      const tr = document.createElement("tr");
      tr.append(cell(c.number, "number"), cell(c.window, ""));
      if (c.number === fresh) tr.className = "fresh";
      return tr;
    });
    document.getElementById("current").replaceChildren(...rows);
    document.getElementById("recent").replaceChildren(...board.calls.map((c) => {
      const li = document.createElement("li");
      li.textContent = `${c.number} → ${c.window}${c.recall ? "（重呼）" : ""}`;
      return li;
    }));
    const waiting = Object.values(board.waiting || {}).reduce((a, b) => a + b, 0);
    document.getElementById("waiting").textContent =
      `等候 ${waiting} 人` + (board.paused.length ? `；暂停：${board.paused.join("、")}` : "");
    if (lastCall !== null) {
      board.calls.filter((c) => c.id > lastCall).reverse().forEach((c) => { chime(); speak(c); });
    }
    lastCall = board.calls.length ? Math.max(lastCall || 0, board.calls[0].id) : (lastCall || 0);
  }

  async function poll() {
    try {
      const r = await fetch("/api/hall/display", {cache: "no-store"});
      if (r.ok) render(await r.json());
    } catch (e) { /* keep showing the last board; try again */ }
    setTimeout(poll, 1000);
  }

  soundButton.addEventListener("click", () => { if (audio) audio.resume(); soundButton.hidden = true; });
  poll();
})();
