// Demo glue: marks the current demo user, renews tokens when they expire (as a site's own code
// would), and mirrors the inbox's unread count into the page title.
const element = document.querySelector('support-chat, support-admin');
const person = element?.dataset.demoUser;

for (const link of document.querySelectorAll('.demo-bar nav a')) {
  if (link.dataset.as === person) link.setAttribute('aria-current', 'page');
}

element?.addEventListener('support-token-expired', async () => {
  if (!person || person === 'visitor') return;
  const response = await fetch(`/demo/token?user=${encodeURIComponent(person)}`);
  if (response.ok) element.token = (await response.json()).token;
});

if (element?.localName === 'support-admin') {
  const baseTitle = document.title;
  element.addEventListener('support-unread-change', (event) => {
    const count = event.detail?.count ?? 0;
    document.title = count > 0 ? `(${count}) ${baseTitle}` : baseTitle;
  });
}

