// Fake camera: the astronaut photo with the face at about 195 px, centred. Too small with a margin: move closer.
import { guidanceCase } from '../guidance-case.js';

guidanceCase('small', 'move-closer', 'a small face (about 195 px in 1280x720)');
