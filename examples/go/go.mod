module pqjose.example/pqjose

go 1.22
