// Vitest's node project resolves `electron` here: core, web and sim code must run without Electron.
throw new Error('electron imported from Electron-free code: see the import walls in eslint.config.js (STYLE.md §4.6)')
