-- Trigram search for the admin inbox's search box (email / name, substring match).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
