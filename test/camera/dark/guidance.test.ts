// Fake camera: the centred astronaut face, far too dark: find a brighter spot.
import { guidanceCase } from '../guidance-case.js';

guidanceCase('dark', 'too-dark', 'a dark frame');
