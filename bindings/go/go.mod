module github.com/pqjose/pqjose/bindings/go

go 1.22
