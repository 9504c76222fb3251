// Fake camera: a big astronaut face cut by the left edge of the frame: move back.
import { guidanceCase } from '../guidance-case.js';

guidanceCase('edge', 'move-back', 'a face cut by the frame edge');
