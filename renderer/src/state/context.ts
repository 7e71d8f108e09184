// Typed access to the shared state from any component (Svelte's createContext: no raw getContext keys).
import { createContext } from 'svelte';
import type { Studio } from './studio';

export const [getStudio, setStudio] = createContext<Studio>();
