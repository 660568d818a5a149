"""Booked actuals (utfall): reading CSV and SIE 4 exports, mapping rows, importing them as batches."""
