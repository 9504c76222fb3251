// Fake camera: two astronaut faces side by side: only one person may be in view.
import { guidanceCase } from '../guidance-case.js';

guidanceCase('two', 'multiple-faces', 'two faces');
