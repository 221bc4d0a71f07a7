// The browser SDK's named imports, aliased: literal, template and dynamic names, an event
// object and a revenue builder.
import { track as ampTrack, revenue, Revenue, setUserId } from '@amplitude/analytics-browser';

const EVENTS = { signUp: 'Sign Up' };
const experiment = 'exp_1';

export function view(page: string, props: Record<string, unknown>) {
  ampTrack(`Page Viewed`, { page });
  ampTrack(`Viewed ${page}`, props);
  ampTrack(EVENTS.signUp, { plan: 'pro', [experiment]: true });
}

export function checkout(cartId: string, coupon?: string) {
  ampTrack({
    event_type: 'Checkout Completed',
    event_properties: { cart_id: cartId, 'items,count': 3 },
  });
  revenue(new Revenue().setProductId('premium').setPrice(9.99).setEventProperties({ coupon }));
  setUserId('u');
}
