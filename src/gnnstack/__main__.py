from gnnstack.cli import main

main()
