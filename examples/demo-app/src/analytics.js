// Analytics helpers for the demo shop (legacy amplitude-js SDK, stored client).
import amplitude from 'amplitude-js';

const client = amplitude.getInstance();

export function startAnalytics(apiKey, user) {
  client.init(apiKey, user.id, {
    serverZone: 'EU',
    batchEvents: true,
    eventUploadThreshold: 20,
    includeUtm: true,
  });
  client.setUserProperties({ plan: user.plan, seats: user.seats });
  client.setGroup('company', user.companyId);
}

export function trackPageView(page) {
  client.logEvent('Page Viewed', { page, referrer: document.referrer });
}

export function setConsent(accepted) {
  if (accepted) {
    client.setOptOut(false);
  } else {
    client.setOptOut(true);
  }
}

export function purchased(item) {
  const revenue = new amplitude.Revenue()
    .setProductId(item.sku)
    .setPrice(item.price)
    .setQuantity(item.quantity);
  client.logRevenueV2(revenue);
}

export function newSession() {
  // Mixpanel computes sessions itself: amp2mp reports this call for a person.
  client.setSessionId(Date.now());
}

export function beforeUnload() {
  // Mixpanel sends its batches on page hide by itself: amp2mp removes this call.
  client.flush();
}
