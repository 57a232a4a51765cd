// Agent console: polls /agent/api/sessions and drives the agent actions. Customer text is
// rendered with textContent only.
(function () {
  var selected = null;
  var sessions = [];
  var $ = function (id) {
    return document.querySelector('[data-testid="' + id + '"]');
  };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
    if (text != null) node.textContent = text;
    return node;
  }

  function status(text) {
    $('agent-status').textContent = text;
  }

  async function refresh() {
    try {
      var response = await fetch('/agent/api/sessions', { cache: 'no-store' });
      sessions = (await response.json()).sessions;
      if (!selected && sessions.length) selected = sessions[sessions.length - 1].id;
      render();
    } catch (error) {
      status('cannot reach the server: ' + error.message);
    }
  }

  async function act(action, body) {
    if (!selected) return;
    var response = await fetch('/agent/api/sessions/' + encodeURIComponent(selected) + '/' + action, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body || {}),
    });
    var result = await response.json();
    status(response.ok ? action + ': done' : action + ': ' + result.error);
    await refresh();
  }

  function describe(message) {
    var who = message.from ? (message.from.nickname || message.from.type) : '?';
    if (message.type === 'System') return 'System: ' + message.event + ' → ' + JSON.stringify(message.data);
    if (message.type === 'Text') return who + ': ' + message.text;
    return message.type + ' (' + who + ')';
  }

  function render() {
    var list = $('agent-sessions');
    list.replaceChildren();
    sessions
      .slice()
      .reverse()
      .forEach(function (session) {
        var item = el('li', { 'data-testid': 'agent-session', 'data-session-id': session.id, 'aria-selected': String(session.id === selected) });
        item.appendChild(el('strong', null, session.nickname));
        var state = session.ended ? 'ended (' + session.endedBy + ')' : (session.interactionState || 'waiting for an agent');
        item.appendChild(el('small', null, session.id.slice(0, 8) + ' · ' + state + (session.customerTyping ? ' · typing…' : '')));
        item.addEventListener('click', function () {
          selected = session.id;
          render();
        });
        list.appendChild(item);
      });

    var session = sessions.find(function (s) {
      return s.id === selected;
    });
    $('agent-detail').hidden = !session;
    if (!session) return;
    var facts = $('agent-facts');
    facts.replaceChildren();
    [
      ['session', session.id],
      ['customer', session.nickname + (session.email ? ' <' + session.email + '>' : '') + ' · participant ' + session.participantId],
      ['interaction', 'segment ' + session.segment + ' · ' + (session.interactionState || 'no state yet')],
      ['agent', session.agentJoined ? session.agentNickname + ' (joined)' : 'not in the chat'],
      ['chat', session.ended ? 'ended by the ' + session.endedBy : 'open' + (session.customerTyping ? ', customer typing…' : '')],
      ['next poll', session.malformedNextPoll ? 'malformed (armed)' : 'well-formed'],
    ].forEach(function (row) {
      var tr = el('tr');
      tr.appendChild(el('th', null, row[0]));
      tr.appendChild(el('td', null, row[1]));
      facts.appendChild(tr);
    });
    var transcript = $('agent-transcript');
    var atBottom = transcript.scrollTop + transcript.clientHeight >= transcript.scrollHeight - 4;
    transcript.replaceChildren();
    session.messages.forEach(function (message) {
      var time = message.utcTime ? message.utcTime.slice(11, 19) : '';
      transcript.appendChild(
        el('li', { 'data-type': message.type, 'data-from': message.from ? message.from.type : '' }, time + '  ' + describe(message)),
      );
    });
    if (atBottom) transcript.scrollTop = transcript.scrollHeight;
  }

  document.querySelectorAll('button[data-action]').forEach(function (button) {
    button.addEventListener('click', function () {
      var action = button.getAttribute('data-action');
      act(action, action === 'join' ? { nickname: $('agent-nickname').value } : {});
    });
  });
  document.querySelectorAll('button[data-state]').forEach(function (button) {
    button.addEventListener('click', function () {
      act('state', { state: button.getAttribute('data-state') });
    });
  });
  $('agent-say-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var input = $('agent-say-text');
    if (!input.value.trim()) return;
    act('say', { text: input.value }).then(function () {
      input.value = '';
    });
  });

  refresh();
  setInterval(refresh, 1000);
})();
