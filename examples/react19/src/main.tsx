import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { WithWrapper } from './WithWrapper';

// `?wrapper` shows the same page made with liveness-capture/react instead of the element itself.
const Page = new URLSearchParams(location.search).has('wrapper') ? WithWrapper : App;
createRoot(document.getElementById('root')!).render(<StrictMode><Page /></StrictMode>);
