// Fake camera: the centred astronaut face, strongly blurred: the sharpness check stops it.
import { guidanceCase } from '../guidance-case.js';

guidanceCase('blurred', 'too-blurry', 'a blurred frame');
