; Inno Setup 6 script: hljgis installer for Windows 10/11 (x64), offline, no admin rights needed.
;
;   1. Build the bundle first (packaging\windows\BUILD.md):
;        pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\hljgis.spec
;      -> dist\hljgis\hljgis.exe, dist\hljgis\hljgis-cli.exe, dist\hljgis\_internal\
;   2. From the repository root:
;        "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\windows\hljgis.iss
;      -> dist\installer\hljgis-0.1.0-setup.exe
;
; Override the version or the bundle folder on the command line:
;   ISCC /DAppVersion=0.1.1 /DBundleDir=C:\build\dist\hljgis packaging\windows\hljgis.iss

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\hljgis"
#endif
#define AppName "hljgis"

[Setup]
AppId={{6C1F2E5A-3D5B-4C7E-9A11-48E1D2F0B7A1}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=hljgis contributors
AppComments=Offline GIS and site ranking for Hegang, Jixi, Qitaihe and Shuangyashan
; Per-user install by default (no administrator rights on most bureau PCs); an administrator
; may choose "install for all users" in the dialog, which installs under Program Files.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\hljgis
DefaultGroupName=hljgis
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist\installer
OutputBaseFilename=hljgis-{#AppVersion}-setup
Compression=lzma2/ultra64
SolidCompression=yes
LZMANumBlockThreads=4
WizardStyle=modern
UninstallDisplayIcon={app}\hljgis.exe
LicenseFile={#BundleDir}\_internal\LICENSES\THIRD_PARTY.md
ShowLanguageDialog=auto

[Languages]
; ChineseSimplified.isl ships with recent Inno Setup 6 releases; older ones have it among the
; unofficial translations (copy it into the compiler's Languages folder, see BUILD.md).
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole one-folder bundle: both executables and _internal\ (Python, Qt, GDAL/PROJ data,
; layers\, resources\, LICENSES\). Nothing else is installed; nothing is downloaded.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\hljgis.exe"; Comment: "East Heilongjiang GIS"
Name: "{group}\{#AppName} (English)"; Filename: "{app}\hljgis.exe"; Parameters: "--lang en"
Name: "{group}\Licences"; Filename: "{win}\notepad.exe"; Parameters: """{app}\_internal\LICENSES\THIRD_PARTY.md"""
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\hljgis.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\hljgis.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the installer put there; the planners' settings, autosave and recovery files live
; in %LOCALAPPDATA%\hljgis and %APPDATA%\hljgis and are kept.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
