// The legacy SDK: a stored client, a chained getInstance(), timestamps, groups and revenue.
import amplitude from 'amplitude-js';

const client = amplitude.getInstance();
client.init('API_KEY');

export function play(song, extra) {
  client.logEvent('Song Played', { title: song.title, 'artist name': song.artist, ...extra });
  amplitude
    .getInstance()
    .logEventWithTimestamp('Song Played', { duration: song.length }, Date.now());
}

export function share(groupId) {
  client.logEventWithGroups("Song Shared", { via: 'link' }, { team: groupId });
  client.logEvent('Checkout \u2013 Started');
  client.logRevenue(9.99, 1, 'premium');
}
