"use strict";
// The kiosk (取号机): a button per category, the green channel, an optional ID number (a reader in keyboard
// mode types it) and appointment check-in; the ticket is shown large, then the screen clears for the next one.
(function () {
  const ticketBox = document.getElementById("ticket");
  let clearTimer = null;

  function show(nodes) {
    ticketBox.replaceChildren(...nodes);
    clearTimeout(clearTimer);
    clearTimer = setTimeout(() => ticketBox.replaceChildren(), 15000);
  }

  function text(tag, value, cls) {
    const e = document.createElement(tag);
    e.textContent = value;
    if (cls) e.className = cls;
    return e;
  }

  async function post(url, body) {
    const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
                                body: JSON.stringify(body || {})});
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error(data.reason || "取号失败，请稍后再试或到咨询台。");
    return data;
  }

  async function issued(ticket) {
    let ahead = "";
    try {
      const board = await (await fetch("/api/hall/display")).json();
      const n = (board.waiting || {})[ticket.category];
      if (typeof n === "number") ahead = `前面还有 ${Math.max(0, n - 1)} 人等候。`;
    } catch (e) { /* the ticket stands without the count */ }
    show([text("span", "您的号码", ""), text("span", ticket.number, "number"),
          text("span", `${ticket.category_label}${ticket.green ? "（绿色通道）" : ""}。${ahead}请留意叫号。`, "")]);
    document.getElementById("id_number").value = "";
    document.getElementById("appointment").value = "";
    document.getElementById("green").checked = false;
  }

  function failed(e) { show([text("span", e.message, "error")]); }

  async function take(category) {
    try {
      await issued(await post("/api/hall/tickets", {
        category, green: document.getElementById("green").checked,
        id_number: document.getElementById("id_number").value.trim()}));
    } catch (e) { failed(e); }
  }

  document.getElementById("check_in").addEventListener("click", async () => {
    const code = document.getElementById("appointment").value.trim();
    if (!code) { failed(new Error("请输入预约码。")); return; }
    try { await issued(await post(`/api/hall/appointments/${encodeURIComponent(code)}/check-in`)); }
    catch (e) { failed(e); }
  });

  fetch("/api/hall/info").then((r) => r.json()).then((info) => {
    document.getElementById("centre").textContent = `${info.name} · 取号`;
    document.title = `${info.name} · 取号`;
    const box = document.getElementById("categories");
    for (const c of info.categories) {
      const b = text("button", `${c.label}（${c.prefix}）`, "");
      b.dataset.category = c.code;
      b.addEventListener("click", () => take(c.code));
      box.appendChild(b);
    }
  }).catch(() => failed(new Error("取号服务暂不可用，请到咨询台取号。")));
})();
