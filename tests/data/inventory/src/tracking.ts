// Ampli's typed methods are events of the tracking plan, named by their method.
import { ampli } from './ampli';

ampli.load({ environment: 'production' });
ampli.songPlayed({ title: 'Intro', genre: 'rock' });
