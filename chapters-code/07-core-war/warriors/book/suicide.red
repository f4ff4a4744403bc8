;redcode-94
;name Lemming
;author the book
; A warrior that dies on purpose, at its first instruction: a DAT. Useful
; to see what a win looks like, and how pMARS scores a round that ends at
; once.
        dat     #0, #0
