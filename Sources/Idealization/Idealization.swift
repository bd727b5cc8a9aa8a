// The Idealization module. See README.md beside this file for what it holds.
