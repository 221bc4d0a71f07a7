// The Node SDK, required: the user goes in the event options, not in the properties.
const { track, flush } = require('@amplitude/analytics-node');

async function onJob(job) {
  track('Job Finished', { duration: job.ms, queue: job.queue }, { user_id: job.userId });
  await flush().promise;
}

module.exports = { onJob };
