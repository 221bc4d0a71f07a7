// Analytics helpers for the demo shop (legacy amplitude-js SDK, stored client).
import amplitude from 'amplitude-js';

const client = amplitude.getInstance();

export function startAnalytics(apiKey, user) {
  client.init(apiKey, user.id);
  client.setUserProperties({ plan: user.plan, seats: user.seats });
  client.setGroup('company', user.companyId);
}

export function trackPageView(page) {
  client.logEvent('Page Viewed', { page, referrer: document.referrer });
}

export function beforeUnload() {
  // Mixpanel flushes on page hide by itself: amp2mp reports this call.
  client.flush();
}
