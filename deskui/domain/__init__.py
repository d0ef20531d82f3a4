"""Pure rules of the front desk: no Textual, no SQL, time always passed in."""
