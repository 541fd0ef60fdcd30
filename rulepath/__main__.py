from rulepath.cli.main import main

main()
