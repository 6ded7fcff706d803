// The console's 会话/人工 tab, live: new inbox rows and new messages appear without a reload.
// Client text is only ever written with textContent, so HTML in a message shows as text.
(function () {
  "use strict";
  var POLL_MS = 1500;
  var ROLE = { client: "客户", bot: "助手", staff: "客服" };

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text == null || text === "" ? "—" : String(text);
    row.appendChild(td);
    return td;
  }

  function poll(url, apply) {
    function tick() {
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { apply(data); } })
        .catch(function () { /* the server restarts: try again on the next tick */ })
        .finally(function () { setTimeout(tick, POLL_MS); });
    }
    setTimeout(tick, POLL_MS);
  }

  var table = document.getElementById("handovers");
  if (table) {
    var seen = {};
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr[data-id]"), function (tr) { seen[tr.dataset.id] = 1; });
    var title = document.title;
    poll(table.dataset.live, function (data) {
      var labels = data.labels, body = table.querySelector("tbody"), fresh = 0, waiting = 0;
      body.textContent = "";
      data.rows.forEach(function (r) {
        var tr = document.createElement("tr");
        tr.dataset.id = r.id;
        if (r.urgent) { tr.className = "overdue"; }
        if (!seen[r.id]) { fresh += 1; seen[r.id] = 1; tr.className += " fresh"; }
        if (r.status === "waiting") { waiting += 1; }
        var link = document.createElement("a");
        link.href = "/console/handovers/" + r.id;
        link.textContent = "#" + r.id;
        cell(tr, "").textContent = "";
        tr.firstChild.appendChild(link);
        cell(tr, labels.channel_cn[r.channel] || r.channel);
        cell(tr, (labels.hstatus_cn[r.status] || r.status) + (r.urgent ? " 加急" : ""));
        cell(tr, labels.reason_cn[r.reason] || r.reason);
        cell(tr, r.waiting_since_local);
        cell(tr, r.queue_position);
        var last = r.last_messages.length ? r.last_messages[r.last_messages.length - 1].text : "";
        cell(tr, last.slice(0, 60)).className = "wrap";
        cell(tr, r.assignee_name);
        cell(tr, r.callback ? r.callback.due_local : "");
        body.appendChild(tr);
      });
      if (!data.rows.length) {
        var empty = document.createElement("tr");
        cell(empty, "暂无等待人工的会话").colSpan = 9;
        body.appendChild(empty);
      }
      document.getElementById("inbox-summary").textContent = waiting ? waiting + " 个会话等待接入" : "";
      document.title = (waiting ? "【" + waiting + "】" : "") + title;
      if (fresh) { document.getElementById("inbox-summary").textContent += "（有新的会话）"; }
    });
  }

  var list = document.getElementById("transcript");
  if (list) {
    var status = document.getElementById("h-status");
    var initial = status ? status.textContent : "";
    function lastId() {
      var items = list.querySelectorAll("li[data-id]");
      return items.length ? Number(items[items.length - 1].dataset.id) : 0;
    }
    poll(list.dataset.live, function (data) {
      var item = data.item, labels = data.labels, after = lastId();
      item.transcript.forEach(function (m) {
        if (m.id <= after) { return; }
        var li = document.createElement("li");
        li.dataset.id = m.id;
        li.className = m.role === "client" ? "user" : m.role;
        var meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = (ROLE[m.role] || m.role) + (m.staff_name ? " " + m.staff_name : "") + " · " + m.at_local;
        var text = document.createElement("div");
        text.className = "text";
        text.textContent = m.text;
        li.appendChild(meta);
        li.appendChild(text);
        list.appendChild(li);
        list.scrollTop = list.scrollHeight;
      });
      var now = labels.hstatus_cn[item.status] || item.status;
      if (status && now !== initial) {
        status.textContent = now + "（状态已变化，刷新页面查看可用操作）";
        var box = document.getElementById("reply-text");
        if (!box || !box.value) { window.location.reload(); }
      }
      var who = document.getElementById("h-assignee");
      if (who) { who.textContent = item.assignee_name || "—"; }
    });
  }
})();
