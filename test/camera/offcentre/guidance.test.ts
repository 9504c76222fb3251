// Fake camera: the astronaut face at full size in the left third of the frame: centre your face.
import { guidanceCase } from '../guidance-case.js';

guidanceCase('offcentre', 'center-face', 'a face well off-centre');
