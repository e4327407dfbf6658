module early.local/earlylocale

go 1.26
