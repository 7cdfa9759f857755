"""Pure functions returning Dash component trees; every component id lives in layouts.ids."""
