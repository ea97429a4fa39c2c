import { createRoot } from 'react-dom/client';
import './styles/tokens.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
// In this order: a later file's rule wins over an earlier one of the same weight.
import './styles/tables-forms.css';
import './styles/charts-lists.css';
import './styles/helpers.css';
import './styles/pages.css';
import './styles/jobs-logs.css';
import './styles/overview.css';
import './styles/pause-settings.css';
import { App } from './app/App.js';
import { startBridge } from './app/start-bridge.js';

startBridge();
createRoot(document.getElementById('root')!).render(<App />);
