"""Views of the station console, the review queue, the parcel import and a household's page."""
