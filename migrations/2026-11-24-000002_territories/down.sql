DELETE FROM locations;
