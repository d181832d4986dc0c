-- A family's new cells, registered as `new_cells` by the caller.
INSERT INTO publish.cells BY NAME SELECT * FROM new_cells
