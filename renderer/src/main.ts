// Renderer entry: theme first (no flash of the wrong colours), then the connection to the app (Electron
// bridge or web-mode WebSocket), then the UI.
import { mount } from 'svelte';
import { connectStudio } from './lib/api';
import App from './App.svelte';
import ConnectionError from './components/common/ConnectionError.svelte';
import { errorMessage } from './lib/error-message';
import { restoreTheme } from './state/settings.svelte';
import { createStudio } from './state/studio';
import './styles/tokens.css';
import './styles/global.css';

restoreTheme();
const target = document.getElementById('app')!;

try {
  const studio = createStudio(connectStudio());
  mount(App, { target, props: { studio } });
} catch (error) {
  mount(ConnectionError, { target, props: { message: errorMessage(error) } });
}
