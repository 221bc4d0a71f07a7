// Firebase's logEvent and a local class's track are not Amplitude's: only the snippet's
// global counts here.
import { getAnalytics, logEvent } from 'firebase/analytics';

class Tracker {
  track(name) {
    return name;
  }
}

const analytics = getAnalytics();
logEvent(analytics, 'purchase', { value: 1 });
new Tracker().track('Local Only');
window.amplitude.logEvent('Clicked "Buy"', { 'price|usd': 5, sku: 'A-1' });
