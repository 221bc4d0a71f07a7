// The legacy Node SDK takes an event object.
const Amplitude = require('@amplitude/node');

const client = Amplitude.init('KEY');

function started(props) {
  client.logEvent({ event_type: 'Job Started', user_id: 'u1', event_properties: props });
}

module.exports = { started };
