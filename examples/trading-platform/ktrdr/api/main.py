# placeholder API
