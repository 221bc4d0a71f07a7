// No Amplitude here: the prefilter skips this file.
export const track = (name) => console.log(name);
track('Not Amplitude');
