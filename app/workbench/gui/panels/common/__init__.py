"""What every panel of the window shares: icons, colours, the style sheet, image conversion."""
