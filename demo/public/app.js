// The demo page: plain browser JavaScript, no build step. It keeps the tokens in memory only
// (a real application weighs memory vs. sessionStorage vs. an httpOnly cookie).
'use strict';

(function () {
  var accessToken = null;
  var refreshToken = null;
  var socket = null;
  var renewedUntil = null;
  var querySocket = null;
  /** Set by logout: the logout line to show once the reconnect with the revoked token is refused. */
  var loggedOutLine = null;

  function $(id) { return document.getElementById(id); }
  function show(id, text) { $(id).textContent = text; }
  function setLoggedIn(loggedIn) {
    ['me', 'admin', 'fresh-action', 'refresh', 'logout'].forEach(function (id) { $(id).disabled = !loggedIn; });
  }
  /** The access token the page sends now, in full. */
  function showToken() { show('access-token', accessToken || 'none'); }
  /** A status line, styled as an error when `isError`. */
  function status(id, text, isError) {
    show(id, text);
    $(id).classList.toggle('error', Boolean(isError));
  }

  /** fetch JSON; resolves to { status, body } whatever the status. */
  function api(method, path, token, body) {
    var headers = { Accept: 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (json) {
          return { status: response.status, body: json };
        });
      });
  }

  function showResult(label, result) {
    status('api-result', label + ' → ' + result.status + '\n' + JSON.stringify(result.body, null, 2), result.status >= 400);
  }

  /** Connect namespace `/` with the token in the handshake's auth payload (browsers cannot set headers on a WebSocket). */
  function connectSocket() {
    if (socket) { socket.off(); socket.disconnect(); }
    show('socket-error', '');
    show('session-ended', '');
    show('session-warning', '');
    socket = io({ auth: { token: accessToken }, reconnection: false });
    socket.on('connect', function () {
      show('socket-state', 'connected');
      show('socket-id', socket.id);
    });
    socket.on('disconnect', function () { show('socket-state', 'disconnected'); });
    socket.on('greeting', function (greeting) { show('greeting', greeting.message); });
    // A live session: the server ends the socket when its token expires or is revoked, saying why first.
    socket.on('paseto:session_ended', function (ended) {
      show('session-ended', 'session ended: ' + ended.message + ' (' + ended.code + ')');
    });
    // The session is about to end: renew the token and re-authenticate in band, on the same socket
    // (what the library's client helper keepSocketAuthenticated does, written out for a page
    // without a build step).
    socket.on('paseto:session_expiring', function (warning) {
      // A token renewed within the same second ends at the same time: renewing again would not help.
      if (warning.expiresAt === renewedUntil) return;
      status('session-warning', 'Session expires at ' + warning.expiresAt + ': renewing the token…');
      api('POST', '/refresh', refreshToken).then(function (result) {
        if (result.status !== 200) { status('session-warning', 'Could not renew the token (' + result.status + ')', true); return; }
        accessToken = result.body.access_token;
        refreshToken = result.body.refresh_token; // rotated: the old one is spent, sending it again revokes the session
        showToken();
        socket.emit('paseto:reauth', { token: accessToken }, function (answer) {
          if (!answer.ok) { status('session-warning', 'Re-authentication refused: ' + answer.message + ' (' + answer.code + ')', true); return; }
          socket.auth = { token: accessToken }; // a later reconnection presents the new token
          renewedUntil = answer.expiresAt;
          status('session-warning', 'Re-authenticated on the same socket (' + socket.id + '); the session now ends at ' + answer.expiresAt);
        });
      });
    });
    // A refused handshake: err.message is the same message an HTTP route gives, err.data = { code, status }.
    socket.on('connect_error', function (err) {
      show('socket-state', 'refused');
      show('socket-error', 'connect_error: ' + err.message + (err.data && err.data.code ? ' (' + err.data.code + ')' : ''));
      if (loggedOutLine) show('logout-status', loggedOutLine + ' Reconnecting with the revoked token was refused (see 3).');
    });
  }

  /** Connect the socket-controllers namespace `/query`, which reads the token from `?token=` only. */
  function connectQuerySocket() {
    if (querySocket) { querySocket.off(); querySocket.disconnect(); }
    show('query-greeting', '');
    show('query-error', '');
    // forceNew: a multiplexed socket would share the manager of `/`, whose URL has no ?token=.
    querySocket = io('/query', { query: { token: accessToken }, forceNew: true, reconnection: false });
    querySocket.on('connect', function () { show('query-state', 'connected'); });
    querySocket.on('disconnect', function () { show('query-state', 'disconnected'); show('query-greeting', ''); });
    querySocket.on('greeting', function (greeting) { show('query-greeting', greeting.message); });
    querySocket.on('connect_error', function (err) {
      show('query-state', 'refused');
      show('query-error', 'connect_error: ' + err.message + (err.data && err.data.code ? ' (' + err.data.code + ')' : ''));
    });
  }

  $('login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    status('login-status', 'Logging in…');
    api('POST', '/login', null, { username: $('username').value, password: $('password').value }).then(function (result) {
      if (result.status !== 200) {
        status('login-status', 'Login failed (' + result.status + '): ' + (result.body && result.body.message), true);
        return;
      }
      accessToken = result.body.access_token;
      refreshToken = result.body.refresh_token;
      status('login-status', 'Logged in as ' + $('username').value + '.');
      showToken();
      loggedOutLine = null;
      show('logout-status', '');
      show('greeting', '');
      setLoggedIn(true);
      connectSocket();
      connectQuerySocket();
    });
  });

  $('me').addEventListener('click', function () {
    api('GET', '/me', accessToken).then(function (result) { showResult('GET /me', result); });
  });
  $('admin').addEventListener('click', function () {
    api('GET', '/admin', accessToken).then(function (result) { showResult('GET /admin', result); });
  });
  $('fresh-action').addEventListener('click', function () {
    api('POST', '/fresh-action', accessToken).then(function (result) { showResult('POST /fresh-action', result); });
  });
  $('refresh').addEventListener('click', function () {
    api('POST', '/refresh', refreshToken).then(function (result) {
      // Rotation: both tokens are new (the access token is not fresh: /fresh-action now says 401);
      // the old refresh token is spent, and sending it again would revoke the whole session.
      if (result.status === 200) {
        accessToken = result.body.access_token;
        refreshToken = result.body.refresh_token;
      }
      showToken();
      showResult('POST /refresh', result);
    });
  });

  $('logout').addEventListener('click', function () {
    api('POST', '/logout', accessToken).then(function (result) {
      if (result.status !== 200) {
        status('logout-status', 'Logout failed (' + result.status + '): ' + (result.body && result.body.message), true);
        return;
      }
      loggedOutLine = 'Logged out: the session (every token of this login) revoked.';
      status('logout-status', loggedOutLine + ' Reconnecting the socket with a revoked token…');
      show('greeting', '');
      // Back to the logged-out state; the socket below keeps the revoked token to show the refusal.
      accessToken = null;
      refreshToken = null;
      showToken();
      status('login-status', 'Not logged in.');
      status('api-result', '');
      setLoggedIn(false);
      // The server ends the live socket on revocation (see 'paseto:session_ended'), though it was
      // opened with the login's access token; once it has, reconnect with that token, revoked with
      // its session: the server refuses it before `connect`.
      if (socket.connected) socket.once('disconnect', function () { socket.connect(); });
      else socket.connect();
    });
  });
}());
