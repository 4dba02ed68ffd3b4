// The bank's page reacting to the widget: an expired session sends the customer back to the login.
document.addEventListener('consent-session-expired', () => {
  window.location.assign('/login?expired=1');
});
