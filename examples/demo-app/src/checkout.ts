// Checkout flow on the browser SDK (@amplitude/analytics-browser), namespace import.
import * as amplitude from '@amplitude/analytics-browser';

export interface CartItem {
  sku: string;
  price: number;
}

export function checkout(items: CartItem[], userId: string): void {
  amplitude.setUserId(userId);
  amplitude.track('Checkout Started', { items: items.length });
  const total = items.reduce((sum, item) => sum + item.price, 0);
  amplitude.track('Checkout Completed', { total });
  amplitude.identify(new amplitude.Identify().add('orders', 1).set('last_total', total));
}

export function logout(): void {
  amplitude.setUserId(null);
  amplitude.regenerateDeviceId();
}
