// Firebase Analytics is not Amplitude: amp2mp leaves this file alone.
import { getAnalytics, logEvent } from 'firebase/analytics';

const analytics = getAnalytics();
export const logScreen = (name) => logEvent(analytics, 'screen_view', { name });
